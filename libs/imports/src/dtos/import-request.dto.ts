import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import type { ImportOp } from '@stafett/contracts';
import { MAX_RECORDS_PER_IMPORT } from '../imports-options';

const IMPORT_OPS: readonly ImportOp[] = ['UPSERT', 'DELETE'];

/** The system the records come from (it names the external ids). */
export class ImportSourceDto {
  @ApiProperty({ example: 'idrottsonline', description: 'Letters, digits, ".", "_", "-"; the external ids are this system\'s' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: '$property may hold letters, digits, ".", "_" and "-" only' })
  @MaxLength(100)
  system!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'club-4711-members' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  connectorId?: string | null;
}

/** One record: an entity by its id in the source system, to upsert (partial payload) or delete. */
export class ImportRecordDto {
  @ApiProperty({ example: 'person', description: 'The entity type; only types whose service runs are accepted' })
  @IsString()
  @IsNotEmpty()
  entityType!: string;

  @ApiProperty({ example: 'member-4711' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  externalId!: string;

  @ApiProperty({ enum: IMPORT_OPS })
  @IsIn(IMPORT_OPS)
  op!: ImportOp;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: "The entity's fields as in its import contract (all optional: a partial update); required for UPSERT",
    example: { personalIdentityNumber: '201005172384', firstName: 'Anna', lastName: 'Berg' },
  })
  @ValidateIf((r: ImportRecordDto) => r.op !== 'DELETE' || (r.payload !== undefined && r.payload !== null))
  @IsDefined({ message: '$property is required for an UPSERT' })
  @IsObject()
  payload?: Record<string, unknown> | null;
}

/** Body of `POST /v1/imports`. */
export class ImportRequestDto {
  @ApiProperty({ type: ImportSourceDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImportSourceDto)
  source!: ImportSourceDto;

  @ApiProperty({ type: [ImportRecordDto], minItems: 1, maxItems: MAX_RECORDS_PER_IMPORT })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECORDS_PER_IMPORT, { message: `$property may hold at most ${MAX_RECORDS_PER_IMPORT} records per request` })
  @ValidateNested({ each: true })
  @Type(() => ImportRecordDto)
  records!: ImportRecordDto[];
}
