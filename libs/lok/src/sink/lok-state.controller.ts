import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { SinkBatch, StafettKafkaContext } from '@stafett/connector-sdk';
import type { Activity, Group, Organisation } from '@stafett/contracts';
import { LOK_PERSON_FIELDS, LokProjectionStore, type LokPersonState } from '../database/lok-projection.store';

/**
 * The sink side: the latest state of organisations, persons, groups and activities from the
 * compacted state topics into the `lok` projection. A tombstone (null) deletes; an erased person's
 * tombstone removes them, so they vanish from verdicts (UNKNOWN_PERSON) and participant lists.
 */
@Controller()
export class LokStateController {
  constructor(private readonly store: LokProjectionStore) {}

  // `<string>` picks Nest 12's untyped overload, so `@Ctx()` may be typed.
  @EventPattern<string>('stafett.organisation.state.v1')
  async onOrganisation(@Payload() organisation: Organisation | null, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    await (organisation ? this.store.putOrganisation(organisation) : this.store.delete('organisation', ctx.getKey()));
  }

  /** Every person change of the register passes here: a slice at once, not a statement per person. */
  @EventPattern<string>('stafett.person.state.v1', { batch: true, fields: LOK_PERSON_FIELDS })
  async onPersons(@Payload() slice: SinkBatch<LokPersonState | null>): Promise<void> {
    await this.store.putPersons(slice.map(({ value, context }) => ({ id: context.getKey(), person: value })));
  }

  @EventPattern<string>('stafett.group.state.v1')
  async onGroup(@Payload() group: Group | null, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    await (group ? this.store.putGroup(group) : this.store.delete('group', ctx.getKey()));
  }

  @EventPattern<string>('stafett.activity.state.v1')
  async onActivity(@Payload() activity: Activity | null, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    await (activity ? this.store.putActivity(activity) : this.store.delete('activity', ctx.getKey()));
  }
}
