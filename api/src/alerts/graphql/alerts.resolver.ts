import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
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
}
