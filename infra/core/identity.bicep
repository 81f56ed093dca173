// The user-assigned managed identity the Function App runs as: storage, Durable Task and telemetry all
// authenticate with it, so no account key or connection string exists anywhere.
@description('Identity name.')
param name string

@description('Azure region.')
param location string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
