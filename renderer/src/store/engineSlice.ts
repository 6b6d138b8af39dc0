import type { StateCreator } from 'zustand';
import type { EngineInfo, EngineStatus } from '../../../shared/types';
import { studio } from '../api';
import type { StudioState } from './index';

export interface EngineSlice {
  engineStatus: EngineStatus;
  engineInfo: EngineInfo | undefined;
  engineError: string | undefined;
  setEngineStatus(status: EngineStatus): void;
  loadEngineInfo(): Promise<void>;
}

export const createEngineSlice: StateCreator<StudioState, [], [], EngineSlice> = (set) => ({
  engineStatus: { state: 'starting' },
  engineInfo: undefined,
  engineError: undefined,
  setEngineStatus(status) {
    set((s) => ({
      engineStatus: status,
      engineInfo: status.info ?? s.engineInfo,
      engineError: status.state === 'crashed' ? status.message : undefined,
    }));
  },
  async loadEngineInfo() {
    try {
      const info = await studio.engineInfo();
      set({ engineInfo: info, engineError: undefined, engineStatus: { state: 'ready', info } });
    } catch (err) {
      set({ engineError: err instanceof Error ? err.message : String(err) });
    }
  },
});
