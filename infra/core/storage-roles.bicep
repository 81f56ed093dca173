// Data-plane roles on the storage account for one principal.
@description('Storage account the roles apply to.')
param storageAccountName string

@description('Object id of the identity receiving the roles.')
param principalId string

@description('A value known before deployment that identifies the principal (e.g. the identity\'s name): it keys the assignment names, so What-If can predict them.')
param principalKey string

@description('ServicePrincipal for a managed identity, User for a person deploying.')
@allowed([
  'ServicePrincipal'
  'User'
])
param principalType string

@description('Role definition ids (GUIDs) to assign.')
param roleDefinitionIds string[]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleDefinitionIds: {
    name: guid(storage.id, principalKey, roleId)
    scope: storage
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
