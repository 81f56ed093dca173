// SensorStream cloud side: storage (streams, exports, checkpoints, dead letters), the Functions app on Flex
// Consumption with a managed identity, Application Insights + Log Analytics, and the IoT Hub for the edge
// devices. No keys: storage has shared-key access off, Application Insights local auth off, IoT Hub
// hub-level SAS policies off; everything authenticates with Entra ID.
// Deploy: see infra/README.md (az deployment sub create, or azd up from infra/).
targetScope = 'subscription'

@description('Environment name (azd environment): names the resource group and seeds resource names.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region for every resource (Flex Consumption must be available there).')
param location string

@description('Object id of the person deploying: gets blob access (to publish the app) and IoT Hub data access. Empty for none.')
param principalId string = ''

@description('GATEWAY_ENDPOINT: the stream gateway the cloud functions mirror from (reachable from Azure).')
param gatewayEndpoint string = ''

@description('MIRROR_STREAMS: comma-separated scope/stream names to mirror into Blob Storage (empty = all).')
param mirrorStreams string = ''

@description('MIRROR_SCHEDULE: NCRONTAB (with seconds) of the mirror timer, in UTC.')
param mirrorSchedule string = '0 */1 * * * *'

@description('EXPORT_SCHEDULE: NCRONTAB (with seconds) of the CSV/Parquet export timer, in UTC.')
param exportSchedule string = '0 */5 * * * *'

@description('EXPORT_FORMATS: csv, parquet or both.')
param exportFormats string = 'csv,parquet'

@description('IoT Hub tier.')
@allowed([
  'S1'
  'S2'
  'S3'
])
param iotHubSku string = 'S1'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'sensorstream'
}
var deploymentContainerName = 'app-package-${resourceToken}'
// Names fixed before deployment (not taken from module outputs), so What-If can predict every resource.
var identityName = 'id-func-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
// Names the cloud code uses (streams/Cloud/BlobStreams/BlobStreamLayout.cs, streams/Cloud/Exporting/ExportLayout.cs).
var dataContainers = [
  'streams'
  'exports'
  'checkpoints'
  'deadletter'
]

// Built-in roles. Durable Task (Azure Storage backend) needs queues and tables as well as blobs.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitor 'core/monitor.bicep' = {
  name: 'monitor'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    containers: concat(dataContainers, [deploymentContainerName])
  }
}

module appStorageRoles 'core/storage-roles.bicep' = {
  name: 'app-storage-roles'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    principalId: identity.outputs.principalId
    principalKey: identityName
    principalType: 'ServicePrincipal'
    roleDefinitionIds: [
      storageBlobDataOwner
      storageQueueDataContributor
      storageTableDataContributor
    ]
  }
  dependsOn: [
    storage
  ]
}

module operatorStorageRoles 'core/storage-roles.bicep' = if (!empty(principalId)) {
  name: 'operator-storage-roles'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    principalId: principalId
    principalKey: principalId
    principalType: 'User'
    roleDefinitionIds: [
      storageBlobDataOwner
    ]
  }
  dependsOn: [
    storage
  ]
}

module appMonitorRole 'core/monitor-roles.bicep' = {
  name: 'app-monitor-role'
  scope: rg
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: identity.outputs.principalId
    principalKey: identityName
  }
  dependsOn: [
    monitor
  ]
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: applicationInsightsName
    appSettings: {
      GATEWAY_ENDPOINT: gatewayEndpoint
      MIRROR_STREAMS: mirrorStreams
      MIRROR_SCHEDULE: mirrorSchedule
      EXPORT_SCHEDULE: exportSchedule
      EXPORT_FORMATS: exportFormats
    }
  }
  // The app's first start reads storage and its package with the identity: grant the roles first.
  dependsOn: [
    storage
    monitor
    appStorageRoles
    appMonitorRole
  ]
}

module iotHub 'app/iothub.bicep' = {
  name: 'iothub'
  scope: rg
  params: {
    name: 'iot-${resourceToken}'
    location: location
    tags: tags
    skuName: iotHubSku
    operatorPrincipalId: principalId
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functions.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functions.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_IOT_HUB_NAME string = iotHub.outputs.name
output AZURE_IOT_HUB_HOSTNAME string = iotHub.outputs.hostName
output AZURE_FUNCTION_IDENTITY_CLIENT_ID string = identity.outputs.clientId
