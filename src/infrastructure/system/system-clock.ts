import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../application/ports/clock';
import { IdGenerator } from '../../application/ports/id-generator';

@Injectable()
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

@Injectable()
export class UuidV7Generator implements IdGenerator {
  next(): string {
    return uuidv7();
  }
}
