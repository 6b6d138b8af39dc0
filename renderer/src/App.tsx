import { useEffect } from 'react';
import { EnginePanel } from './features/engine/EnginePanel';
import { useStudio } from './store';
import { connectEvents } from './store/events';

export function App() {
  const loadEngineInfo = useStudio((s) => s.loadEngineInfo);
  const info = useStudio((s) => s.engineInfo);

  useEffect(() => {
    const disconnect = connectEvents();
    void loadEngineInfo();
    return disconnect;
  }, [loadEngineInfo]);

  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <span className="logo" aria-hidden>
            ⟨α⟩
          </span>
          Transformer Studio
        </div>
        <nav aria-label="Screens">
          <button className="nav-item active" aria-current="page">
            Engine
          </button>
        </nav>
        <footer className="sidebar-footer" data-testid="backend-badge">
          {info ? `${info.backend} · tfjs ${info.tfjsVersion}` : 'engine starting…'}
        </footer>
      </aside>
      <main className="content">
        <EnginePanel />
      </main>
    </div>
  );
}
