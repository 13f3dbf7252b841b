import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EntityType, ImportOutcome, ImportResult } from '@stafett/contracts';

const OUTCOMES: readonly ImportOutcome[] = ['CREATED', 'UPDATED', 'UNCHANGED', 'DELETED', 'REJECTED'];

/** Answer of `POST /v1/imports`: the batch, to follow at `GET /v1/imports/{batchId}`. */
export class ImportAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  batchId!: string;
}

export class ImportReasonDto {
  @ApiProperty({ example: 'INVALID_CHECKSUM' })
  code!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'personalIdentityNumber' })
  field!: string | null;

  @ApiProperty()
  message!: string;
}

/** The outcome of one record (the `ImportResult` contract). */
export class ImportResultDto implements Required<ImportResult> {
  @ApiProperty({ format: 'uuid' })
  recordId!: string;

  @ApiProperty({ format: 'uuid' })
  batchId!: string;

  @ApiProperty({ example: 'person' })
  entityType!: EntityType;

  @ApiProperty()
  externalId!: string;

  @ApiProperty({ enum: OUTCOMES })
  outcome!: ImportOutcome;

  @ApiProperty({ type: String, nullable: true })
  entityId!: string | null;

  @ApiProperty({ type: Number, nullable: true })
  version!: number | null;

  @ApiProperty({ type: [ImportReasonDto] })
  reasons!: ImportReasonDto[];
}

export class ImportCountsDto {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() deleted!: number;
  @ApiProperty() rejected!: number;
}

/** The report of a batch: DONE once every record has its result. */
export class ImportReportDto {
  @ApiProperty({ format: 'uuid' })
  batchId!: string;

  @ApiProperty({ enum: ['PENDING', 'DONE'] })
  status!: 'PENDING' | 'DONE';

  @ApiProperty({ type: ImportCountsDto })
  counts!: ImportCountsDto;

  @ApiProperty({ type: [ImportResultDto], description: 'Ordered by externalId' })
  results!: ImportResultDto[];
}
