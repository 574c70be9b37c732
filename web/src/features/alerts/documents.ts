import { graphql } from '../../gql';

export const AlertsQuery = graphql(`
  query Alerts($includeDismissed: Boolean! = false) {
    alerts(includeDismissed: $includeDismissed) { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }
  }
`);

export const DismissAlertMutation = graphql(`
  mutation DismissAlert($id: ID!) {
    dismissAlert(id: $id) { id dismissedAt dismissedBy }
  }
`);

export const AlertsChangedSubscription = graphql(`
  subscription AlertsChanged {
    alertsChanged { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }
  }
`);
