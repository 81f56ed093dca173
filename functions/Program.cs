using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SensorStream.Functions.Local;
using SensorStream.Functions.Services;

// `local`: the plain host (no Functions Core Tools); otherwise the isolated worker that the Functions host starts.
if (args is ["local", ..]) return await LocalHost.RunAsync(args[1..]);

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSensorStreamCloud(builder.Configuration);
await builder.Build().RunAsync();
return 0;
