import { useEffect } from 'react';
import { CheckpointsScreen } from './features/checkpoints/CheckpointsScreen';
import { DatasetsScreen } from './features/datasets/DatasetsScreen';
import { EnginePanel } from './features/engine/EnginePanel';
import { EvaluateScreen } from './features/evaluate/EvaluateScreen';
import { InsideScreen } from './features/inside/InsideScreen';
import { PlaygroundScreen } from './features/playground/PlaygroundScreen';
import { TrainScreen } from './features/training/TrainScreen';
import { useStudio } from './store';
import { connectEvents } from './store/events';
import { SCREENS, type Screen } from './store/uiSlice';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
const MOD = isMac ? '⌘' : 'Ctrl+';

const NAV: { screen: Screen; label: string; icon: string }[] = [
  { screen: 'datasets', label: 'Datasets', icon: '▤' },
  { screen: 'train', label: 'Train', icon: '↗' },
  { screen: 'checkpoints', label: 'Checkpoints', icon: '◆' },
  { screen: 'playground', label: 'Playground', icon: '⇄' },
  { screen: 'engine', label: 'Engine', icon: '⚙' },
  { screen: 'inside', label: 'Inside', icon: '◎' },
  { screen: 'evaluate', label: 'Evaluate', icon: '✓' },
];

export function App() {
  const loadEngineInfo = useStudio((s) => s.loadEngineInfo);
  const loadRuns = useStudio((s) => s.loadRuns);
  const loadDatasets = useStudio((s) => s.loadDatasets);
  const info = useStudio((s) => s.engineInfo);
  const status = useStudio((s) => s.engineStatus);
  const screen = useStudio((s) => s.screen);
  const setScreen = useStudio((s) => s.setScreen);
  const training = useStudio((s) => s.runs.find((r) => r.status === 'running'));
  const progress = useStudio((s) => (training ? s.progress[training.id] : undefined));

  useEffect(() => {
    const disconnect = connectEvents();
    void loadEngineInfo();
    void loadRuns();
    void loadDatasets();
    return disconnect;
  }, [loadEngineInfo, loadRuns, loadDatasets]);

  // Ctrl/Cmd+1..7 switch screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const n = Number(e.key);
      const target = Number.isInteger(n) && n >= 1 ? SCREENS[n - 1] : undefined;
      if (target) {
        e.preventDefault();
        setScreen(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setScreen]);

  useEffect(() => {
    const label = NAV.find((n) => n.screen === screen)?.label ?? '';
    document.title = `${label} — Transformer Studio`;
  }, [screen]);

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
          {NAV.map((n, i) => (
            <button
              key={n.screen}
              type="button"
              className={`nav-item${screen === n.screen ? ' active' : ''}`}
              aria-current={screen === n.screen ? 'page' : undefined}
              aria-keyshortcuts={`${isMac ? 'Meta' : 'Control'}+${i + 1}`}
              data-testid={`nav-${n.screen}`}
              title={n.label}
              aria-label={n.label}
              onClick={() => setScreen(n.screen)}
            >
              <span className="nav-icon" aria-hidden>
                {n.icon}
              </span>
              <span className="nav-label">{n.label}</span>
              <kbd className="nav-kbd" aria-hidden>
                {MOD}
                {i + 1}
              </kbd>
            </button>
          ))}
        </nav>
        {training && (
          <button
            type="button"
            className="sidebar-run"
            data-testid="sidebar-training"
            onClick={() => {
              useStudio.getState().selectRun(training.id);
              setScreen('train');
            }}
          >
            <span>
              <span className="pulse" aria-hidden />
              Training {training.name}
            </span>
            <span className="muted small">
              step {progress?.step ?? training.step} /{' '}
              {progress?.totalSteps ?? training.train.maxSteps}
            </span>
          </button>
        )}
        <footer className="sidebar-footer" data-testid="backend-badge" title={info?.reason}>
          <span className={`dot state-${status.state}`} aria-hidden />
          {info ? `${info.backend} · tfjs ${info.tfjsVersion}` : `engine ${status.state}…`}
        </footer>
      </aside>
      <main className="content" data-testid={`screen-${screen}`}>
        {screen === 'datasets' && <DatasetsScreen />}
        {screen === 'train' && <TrainScreen />}
        {screen === 'checkpoints' && <CheckpointsScreen />}
        {screen === 'playground' && <PlaygroundScreen />}
        {screen === 'inside' && <InsideScreen />}
        {screen === 'evaluate' && <EvaluateScreen />}
        {screen === 'engine' && (
          <>
            <header className="screen-head">
              <h1>Engine</h1>
              <p className="muted">The compute backend the engine worker picked, and why.</p>
            </header>
            <EnginePanel />
          </>
        )}
      </main>
    </div>
  );
}
