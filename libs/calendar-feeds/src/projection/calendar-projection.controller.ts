import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PermanentSinkError, RetryableSinkError, type SinkBatch, type StafettKafkaContext } from '@stafett/connector-sdk';
import type { Activity, Group, Organisation, Person } from '@stafett/contracts';
import { CalendarProjectionRepository } from './calendar-projection.repository';

/** The header the platform's relay puts on every state record (and tombstone): the entity version. */
export const ENTITY_VERSION_HEADER = 'stafett.entity.version';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The entity id (the key) and version (the header) of a state record, or a PermanentSinkError: a record without them cannot be placed. */
function identify(ctx: StafettKafkaContext): { id: string; version: number } {
  const id = ctx.getKey();
  const version = Number(ctx.getHeader(ENTITY_VERSION_HEADER) ?? NaN);
  if (!UUID.test(id)) throw new PermanentSinkError(`a ${ctx.getEntity()} state record whose key is no entity id`, { code: 'CALENDAR_BAD_KEY' });
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new PermanentSinkError(`a ${ctx.getEntity()} state record without a ${ENTITY_VERSION_HEADER} header`, { code: 'CALENDAR_NO_VERSION' });
  }
  return { id, version };
}

/** The projection is a copy of the state: a database that fails is waited for (retried), never a reason to drop a record. */
async function write(entity: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new RetryableSinkError(`the calendar projection of a ${entity} could not be written`, { cause: error, code: 'CALENDAR_PROJECTION_WRITE' });
  }
}

/**
 * The sink side of the calendar connector: keeps its projection of the organisation, group, activity
 * and person state topics (a tombstone removes; a person keeps only ids), raising the stamps of the
 * feed scopes a change touches (the feeds' ETags and cache keys). Idempotent by entity version: at-least-once delivery changes nothing twice.
 */
@Controller()
export class CalendarProjectionController {
  constructor(private readonly projection: CalendarProjectionRepository) {}

  @EventPattern<string>('stafett.activity.state.v1')
  async onActivity(@Payload() activity: Activity | null, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    const { id, version } = identify(ctx);
    await write('activity', () =>
      this.projection.applyActivity(
        id,
        version,
        activity && {
          id,
          version,
          organisationId: activity.organisationId,
          groupId: activity.groupId ?? null,
          type: activity.type,
          title: activity.title,
          startsAt: activity.startsAt,
          endsAt: activity.endsAt,
          location: activity.location ?? null,
          status: activity.status,
          participantIds: (activity.participants ?? []).map((p) => p.personId),
        },
      ),
    );
  }

  @EventPattern<string>('stafett.group.state.v1')
  async onGroup(@Payload() group: Group | null, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    const { id, version } = identify(ctx);
    await write('group', () => this.projection.applyGroup(id, version, group && { id, version, organisationId: group.organisationId, name: group.name }));
  }

  @EventPattern<string>('stafett.organisation.state.v1')
  async onOrganisation(@Payload() organisation: Organisation | null, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    const { id, version } = identify(ctx);
    await write('organisation', () =>
      this.projection.applyOrganisation(id, version, organisation && { id, version, parentId: organisation.parentId ?? null, name: organisation.name }),
    );
  }

  /**
   * Only the person's id and the organisations of its memberships are kept: never a name, personnummer,
   * e-mail or phone. Every person change of the register passes here, so a slice is written at once.
   */
  @EventPattern<string>('stafett.person.state.v1', { batch: true, fields: ['memberships'] })
  async onPeople(@Payload() slice: SinkBatch<Pick<Person, 'memberships'> | null>): Promise<void> {
    const people = slice.map(({ value, context }) => {
      const { id, version } = identify(context);
      return { id, version, person: value && { id, version, organisationIds: (value.memberships ?? []).map((m) => m.organisationId).filter((o) => UUID.test(o)) } };
    });
    await write('person', () => this.projection.applyPersons(people));
  }
}
