// GET …/taskInstances/{taskId}/logs/{tryNumber}/download: the try's whole log as a text file,
// streamed page by page from the database, so a log of any length downloads without being held
// in memory. What is written so far, when the try still runs.
import { readTaskLog } from '@weir/engine';
import { handle } from '../../../../../../../../../../../../lib/api/handler.ts';
import { routes } from '../../../../../../../../../../../../lib/api/registry.ts';
import { taskInstanceOfTry } from '../../../../../../../../../../../../lib/api/task-try.ts';
import { logFileName, logLineText } from '../../../../../../../../../../../../lib/log-lines.ts';
import { services } from '../../../../../../../../../../../../lib/services.ts';

export const dynamic = 'force-dynamic';

const PAGE = 10_000;

export const GET = handle(routes.downloadTaskLogs, async ({ params, query }) => {
  const { db } = services();
  const ti = await taskInstanceOfTry(db, params, query.mapIndex);
  const encoder = new TextEncoder();
  let after: bigint | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const lines = await readTaskLog(db, ti.id, params.tryNumber, after, PAGE);
      if (lines.length > 0) {
        controller.enqueue(encoder.encode(`${lines.map(logLineText).join('\n')}\n`));
        after = lines.at(-1)?.id;
      }
      if (lines.length < PAGE) controller.close();
    },
  });
  const name = logFileName(params.dagId, params.runId, params.taskId, ti.mapIndex, params.tryNumber);
  return new Response(stream, {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  }) as never;
});
