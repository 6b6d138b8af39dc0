import { useStudio } from '../../store';

const LABEL: Record<string, string> = {
  'tensorflow-gpu': 'CUDA (tfjs-node-gpu)',
  tensorflow: 'native CPU (tfjs-node)',
  wasm: 'WebAssembly (tfjs-backend-wasm)',
  cpu: 'plain JavaScript (tfjs cpu)',
};

/** The compute backend in use and why each better one was not taken. */
export function EnginePanel() {
  const info = useStudio((s) => s.engineInfo);
  const status = useStudio((s) => s.engineStatus);
  const error = useStudio((s) => s.engineError);

  return (
    <section className="panel" aria-labelledby="engine-title" data-testid="engine-panel">
      <h2 id="engine-title">Compute engine</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!info && !error && <p className="muted">Starting the engine worker ({status.state})…</p>}
      {info && (
        <>
          <p className="engine-backend">
            Backend <strong data-testid="engine-backend">{info.backend}</strong>{' '}
            <span className="muted">
              — {LABEL[info.backend]}, {info.reason}.
            </span>
          </p>
          <dl className="facts">
            <dt>TensorFlow.js</dt>
            <dd data-testid="engine-tfjs">{info.tfjsVersion}</dd>
            <dt>Threads</dt>
            <dd data-testid="engine-threads">
              {info.threads === 0 ? 'native' : info.threads}
              {info.threadsNote && <span className="muted"> ({info.threadsNote})</span>}
            </dd>
            {info.simd !== undefined && (
              <>
                <dt>SIMD</dt>
                <dd>{info.simd ? 'yes' : 'no'}</dd>
              </>
            )}
            {info.studioKernels && (
              <>
                <dt>Studio kernels</dt>
                <dd data-testid="engine-kernels">
                  {info.studioKernels.active
                    ? `on (${info.studioKernels.simd === 'relaxed' ? 'relaxed-SIMD FMA' : 'SIMD128'}, ${info.studioKernels.threads} thread${info.studioKernels.threads === 1 ? '' : 's'})`
                    : 'off: tfjs stock kernels'}
                  <span className="muted"> ({info.studioKernels.reason})</span>
                </dd>
              </>
            )}
            <dt>Node</dt>
            <dd>
              {info.nodeVersion} ({info.platform})
            </dd>
          </dl>
          {info.rejected.length > 0 && (
            <>
              <h3>Not used</h3>
              <ul className="rejections" data-testid="engine-rejections">
                {info.rejected.map((r) => (
                  <li key={r.backend}>
                    <strong>{r.backend}</strong>: {r.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
