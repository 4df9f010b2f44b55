// Owns `weir scheduler`, `weir worker` and `weir dag-processor`: the long-running components.
import { createLogger, loadConfig, requireSecretKey } from '@weir/config';
import { DagProcessor, runDagProcessorLoop, runSchedulerLoop } from '@weir/scheduler';
import { startWorker } from '@weir/worker';
import type { Command } from 'commander';
import { alertNames, readAlertsConfig, startComponentAlerting } from '../alerting.ts';
import { CliError } from '../errors.ts';
import { resolveFromCwd } from '../paths.ts';
import { openRuntime, untilSignal } from '../runtime.ts';

export function registerComponentCommands(program: Command): void {
  program
    .command('scheduler')
    .description('run the scheduler: cron runs, run starts, retries that fall due, recovery')
    .option('--no-dag-processor', 'do not parse DAG files here (run `weir dag-processor` separately)')
    .action(async (opts: { dagProcessor: boolean }) => {
      const config = loadConfig();
      requireSecretKey(config, 'scheduler');
      const logger = createLogger('scheduler', config.logLevel);
      const alerts = readAlertsConfig(config);
      const runtime = await openRuntime(config);
      // As in Airflow 2, the scheduler runs the dag processor unless told not to; DAG files are
      // imported in the processor's child processes, never in the scheduling loop.
      const processor = opts.dagProcessor
        ? runDagProcessorLoop(
            new DagProcessor({
              db: runtime.db,
              folder: resolveFromCwd(config.dagsFolder),
              importTimeoutMs: config.dagProcessor.importTimeoutMs,
              pausedAtCreation: config.dagProcessor.pausedAtCreation,
              alertNames: alertNames(alerts),
              logger,
            }),
            config.dagProcessor.pollMs,
            logger,
          )
        : undefined;
      const loop = runSchedulerLoop(runtime.engine, config.scheduler.tickMs, logger, {
        zombieThresholdMs: config.scheduler.zombieThresholdMs,
        queuedTimeoutMs: config.scheduler.queuedTimeoutMs,
      });
      const alerting = await startComponentAlerting(config, runtime, logger, 'scheduler', {
        alerts,
        deliveries: false,
      });
      const processorBeat = opts.dagProcessor
        ? await startComponentAlerting(config, runtime, logger, 'dag-processor', {
            deliveries: false,
          })
        : undefined;
      logger.info({ tickMs: config.scheduler.tickMs, dagProcessor: opts.dagProcessor }, 'scheduler started');
      await untilSignal();
      await loop.stop();
      await processor?.stop();
      await alerting.stop();
      await processorBeat?.stop();
      await runtime.close();
      logger.info('scheduler stopped');
    });

  program
    .command('dag-processor')
    .description('parse DAG files into PostgreSQL, re-parsing changed files')
    .option('--dags-folder <dir>', 'DAG folder (default WEIR_DAGS_FOLDER)')
    .action(async (opts: { dagsFolder?: string }) => {
      const config = loadConfig();
      const logger = createLogger('dag-processor', config.logLevel);
      const runtime = await openRuntime(config);
      const processor = new DagProcessor({
        db: runtime.db,
        folder: resolveFromCwd(opts.dagsFolder ?? config.dagsFolder),
        importTimeoutMs: config.dagProcessor.importTimeoutMs,
        pausedAtCreation: config.dagProcessor.pausedAtCreation,
        alertNames: alertNames(readAlertsConfig(config)),
        logger,
      });
      logger.info({ folder: processor.folder }, 'dag processor started');
      const loop = runDagProcessorLoop(processor, config.dagProcessor.pollMs, logger);
      const heartbeat = await startComponentAlerting(config, runtime, logger, 'dag-processor', {
        deliveries: false,
      });
      await untilSignal();
      await loop.stop();
      await heartbeat.stop();
      await runtime.close();
    });

  program
    .command('worker')
    .description('run tasks from the queues')
    .option('--queues <names>', 'comma-separated queues to serve (default WEIR_WORKER_QUEUES)')
    .option(
      '--concurrency <n>',
      'tasks at once, shared by every queue: the number of executors (default WEIR_WORKER_CONCURRENCY)',
    )
    .action(async (opts: { queues?: string; concurrency?: string }) => {
      const config = loadConfig();
      const secretKey = requireSecretKey(config, 'worker');
      const logger = createLogger('worker', config.logLevel);
      const queues = opts.queues
        ? opts.queues
            .split(',')
            .map((q) => q.trim())
            .filter(Boolean)
        : config.worker.queues;
      const concurrency = opts.concurrency ? Number(opts.concurrency) : config.worker.concurrency;
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new CliError(`--concurrency must be a positive whole number, got "${opts.concurrency}"`, 2);
      if (queues.length === 0) throw new CliError('--queues must name at least one queue', 2);
      const alerts = readAlertsConfig(config);
      const runtime = await openRuntime(config);
      const alerting = await startComponentAlerting(config, runtime, logger, 'worker', {
        queues,
        alerts,
        deliveries: true,
      });
      const worker = startWorker({
        engine: runtime.engine,
        connection: runtime.redis,
        prefix: runtime.prefix,
        queues,
        concurrency,
        xcomMaxBytes: config.worker.xcomMaxBytes,
        shutdownGraceMs: config.worker.shutdownGraceMs,
        heartbeatMs: config.worker.heartbeatMs,
        executor: config.worker.executor,
        ...(config.worker.taskMaxMemoryMb ? { taskMaxMemoryMb: config.worker.taskMaxMemoryMb } : {}),
        logger,
        secretKey,
        onTryFailed: alerting.kick,
      });
      logger.info({ queues, concurrency, executor: config.worker.executor }, 'worker started');
      const signal = await untilSignal();
      logger.info(
        { signal, running: worker.inFlight.size, graceMs: config.worker.shutdownGraceMs },
        'worker stopping',
      );
      const { handedBack } = await worker.stop();
      if (handedBack > 0)
        logger.warn(
          { handedBack },
          'tasks still running after the grace period were handed back for another try',
        );
      await alerting.stop();
      await runtime.close();
      logger.info('worker stopped');
      // Tasks that ignored their AbortSignal may still hold timers or sockets; they were handed
      // back, so end the process rather than wait for them.
      process.exit(0);
    });
}
