import { Injectable } from '@nestjs/common';

/** Something that can wake the relay early. The default does nothing; the relay polls anyway. */
@Injectable()
export class OutboxNotifier {
  private listener: (() => void) | undefined;

  onNotify(listener: () => void): void {
    this.listener = listener;
  }

  notify(): void {
    this.listener?.();
  }
}
