// The IoT Hub the edge devices connect to. Hub-level shared access policies are disabled (Entra ID for the
// service side); device and module identities (symmetric keys or X.509, kept by the IoT Edge security
// daemon) are created with the Azure CLI, since identities are data-plane objects Bicep cannot create.
@description('IoT Hub name.')
param name string

@description('Azure region.')
param location string

param tags object = {}

@description('Hub tier: S1 supports module twins, direct methods and IoT Edge.')
@allowed([
  'S1'
  'S2'
  'S3'
])
param skuName string = 'S1'

@description('Units of that tier.')
@minValue(1)
param capacity int = 1

@description('Days device-to-cloud messages (the modules\' health messages) are kept.')
@minValue(1)
@maxValue(7)
param retentionDays int = 1

@description('Object id of the person deploying (az iot hub device-identity create / az iot edge set-modules with --auth-type login); empty for none.')
param operatorPrincipalId string = ''

// IoT Hub Data Contributor: identities, twins, configurations and direct methods through Entra ID.
var iotHubDataContributor = '4fc6c259-987e-4a07-842e-c321cc9d413f'

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minTlsVersion: '1.2'
    eventHubEndpoints: {
      events: {
        retentionTimeInDays: retentionDays
        partitionCount: 2
      }
    }
  }
}

resource operatorAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(hub.id, operatorPrincipalId, iotHubDataContributor)
  scope: hub
  properties: {
    principalId: operatorPrincipalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', iotHubDataContributor)
  }
}

output name string = hub.name
output hostName string = hub.properties.hostName
output id string = hub.id
