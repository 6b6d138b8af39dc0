/** The evaluate call: a run's checkpoints on a dropped test set (services/evaluation.ts). */
import type { ApiHandlers } from '../../../shared/api';
import type { EngineHost } from '../EngineHost';
import type { EventHub } from '../events';
import type { FileAccess } from '../fileAccess';
import { EvaluationService } from '../services/evaluation';
import type { RunsService } from '../services/runs';

export function evaluateHandlers(
  home: string,
  runs: RunsService,
  engine: EngineHost,
  events: EventHub,
  files: FileAccess,
): Pick<ApiHandlers, 'evaluate'> {
  const service = new EvaluationService(home, runs, engine, (p) =>
    events.emit('evaluateProgress', p),
  );
  return {
    async evaluate(input) {
      // Web mode names only files of the home (uploads land there).
      const [src, ref] = await Promise.all([files.readable(input.src), files.readable(input.ref)]);
      return service.evaluate({ ...input, src, ref });
    },
  };
}
