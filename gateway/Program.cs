using SensorStream.Gateway.Hosting;

return await GatewayHost.RunAsync(args);
