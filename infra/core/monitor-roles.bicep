// Lets an identity send telemetry to an Application Insights resource whose local (key) auth is disabled.
@description('Application Insights resource name.')
param applicationInsightsName string

@description('Object id of the identity.')
param principalId string

@description('A value known before deployment that identifies the principal (keys the assignment name).')
param principalKey string

// Monitoring Metrics Publisher
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalKey, monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}
