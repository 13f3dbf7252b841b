import { IsArray, IsOptional, IsString } from 'class-validator';

/** Body of `POST /subjects/:subject/versions`, `POST /subjects/:subject` and the compatibility check. */
export class RegisterSchemaDto {
  @IsString()
  schema!: string;

  /** AVRO when absent (Confluent's default); the built-in registry supports nothing else. */
  @IsOptional()
  @IsString()
  schemaType?: string;

  /** Schema references: not supported by the built-in registry (must be absent or empty). */
  @IsOptional()
  @IsArray()
  references?: unknown[];
}
