import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES } from '../jobs/queues';
import { Metrics } from './metrics';
import { registerQueueGauges } from './queue-gauges';

@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const queue = (name: string) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    registerQueueGauges(this.metrics, QUEUE_NAMES.map(queue), queue(DEAD_LETTER_QUEUE));
  }
}
