import { IsString } from 'class-validator';

/** Body of `PUT /mode` and `PUT /mode/:subject`. */
export class ModeDto {
  @IsString()
  mode!: string;
}
