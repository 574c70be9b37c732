import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { eventStream } from '../../events/event-stream.js';
import type { AlertsService } from '../alerts.service.js';
import { AlertType } from './alerts.types.js';

/** Administrator alerts: failed or held runs, failing credentials, expiring client secrets. */
@Resolver(() => AlertType)
export class AlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @Query(() => [AlertType], { description: "The organisation's current alerts, errors first, then newest first." })
  async alerts(
    @Arg('includeDismissed', () => Boolean, { defaultValue: false, description: 'Include alerts an administrator dismissed (while their cause lasts).' }) includeDismissed: boolean,
    @Ctx() ctx: Context,
  ): Promise<AlertType[]> {
    return this.service.list(ctx.em, signedIn(ctx), { includeDismissed });
  }

  @Mutation(() => AlertType, { description: 'Hides an alert for everyone in the organisation until its cause occurs again (administrators).' })
  async dismissAlert(@Arg('id', () => ID, { description: 'Alert id.' }) id: string, @Ctx() ctx: Context): Promise<AlertType> {
    return this.service.dismiss(ctx.em, signedIn(ctx), id);
  }

  @Subscription(() => [AlertType], {
    description: "The organisation's current (undismissed) alerts again whenever they may have changed: a sync run ended, a connection's credentials were checked, a secret's expiry date was edited, an alert was dismissed. From every server process.",
    subscribe: ({ context }) => {
      const ctx = context as Context;
      const viewer = signedIn(ctx);
      return eventStream(ctx.bus, (e) => (e.type === 'sync_run.finished' || e.type === 'alerts.changed') && e.organizationId === viewer.organizationId);
    },
  })
  async alertsChanged(@Root() _event: unknown, @Ctx() ctx: Context): Promise<AlertType[]> {
    return this.service.list(ctx.em.fork(), signedIn(ctx));
  }
}
