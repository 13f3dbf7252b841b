import { IsString } from 'class-validator';

/** Body of `PUT /config` and `PUT /config/:subject`. */
export class CompatibilityConfigDto {
  @IsString()
  compatibility!: string;
}
