import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { API_ROLES, type ApiRole } from '../../auth/api-role';

/** Body of `POST /v1/api-keys`. */
export class CreateApiKeyDto {
  @ApiProperty({ example: 'idrottsonline-sync', description: 'Who uses the key; the actor of the changes made with it. Letters, digits, space, ".", "_", "-".' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[\p{L}\p{N} ._-]+$/u, { message: '$property may hold letters, digits, spaces, ".", "_" and "-" only' })
  name!: string;

  @ApiProperty({
    enum: API_ROLES,
    isArray: true,
    example: ['import'],
    description: 'admin (everything, key management, registry writes) · read (GET) · import (writes, POST /v1/imports and its reports)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_ROLES.length)
  @IsIn(API_ROLES, { each: true })
  roles!: ApiRole[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-12-31T23:59:59Z',
    description: 'When the key stops working (in the future, at most 2 years ahead). Left out: 90 days from now; null: never (not recommended).',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsISO8601({ strict: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'Binds the key to this organisation and everything below it: the key sees and changes only entities with an organisation in that subtree (others answer 404), and its imports are confined to it. Left out or null: a global key. An admin key cannot be bound.',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all')
  organisationId?: string | null;
}

/** A key as listed: never the key itself, nor its hash. */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'idrottsonline-sync' })
  name!: string;

  @ApiProperty({ enum: API_ROLES, isArray: true })
  roles!: ApiRole[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The organisation subtree the key is bound to; null: a global key' })
  organisationId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'stf_…x9Qa', description: 'The prefix and last four characters of the key' })
  keyHint!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
}

/** The answer to `POST /v1/api-keys`: the only time the key is shown. */
export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'stf_3q2+7w…', description: 'The key. Shown once: store it now; only its hash is kept.' })
  key!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] })
  items!: ApiKeyDto[];
}
