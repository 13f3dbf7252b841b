import { ApiProperty } from '@nestjs/swagger';
import { ENTITY_TYPES } from '@stafett/contracts';

/** A change event as JSON: the `<Entity>Changed` envelope of the events topic (DESIGN §2), dates `YYYY-MM-DD`, instants ISO 8601 UTC. */
export class ChangeEventDto {
  @ApiProperty({ enum: ENTITY_TYPES, description: 'The entity type (the events topic the change came from); not part of the Avro envelope' })
  entity!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ format: 'uuid' })
  entityId!: string;

  @ApiProperty({ description: '1 for create, +1 per change' })
  version!: number;

  @ApiProperty({ enum: ['CREATE', 'UPDATE', 'DELETE', 'SNAPSHOT'] })
  op!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ description: '{system, connectorId, batchId, actor}' })
  source!: object;

  @ApiProperty({ type: String, nullable: true })
  correlationId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The import record id' })
  causationId!: string | null;

  @ApiProperty({ type: Object, nullable: true, description: `The entity before the change (${ENTITY_TYPES.join(', ')} in the canonical model); null on create and on an erasure` })
  before!: object | null;

  @ApiProperty({ type: Object, nullable: true, description: 'The entity after the change; null on delete' })
  after!: object | null;

  @ApiProperty({ type: [String] })
  changedFields!: string[];
}

export class ChangePageDto {
  @ApiProperty({ type: [ChangeEventDto], description: 'Oldest first' })
  changes!: ChangeEventDto[];

  @ApiProperty({ description: 'Always present: pass as ?since= to poll for what comes next (unchanged while nothing is new)' })
  nextCursor!: string;
}
