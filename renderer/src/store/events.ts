/**
 * The one subscription module: events from main call store actions. Nothing else subscribes.
 */
import { studio } from '../api';
import { useStudio } from './index';

export function connectEvents(): () => void {
  const offs = [
    studio.on('engineStatus', (status) => useStudio.getState().setEngineStatus(status)),
  ];
  return () => offs.forEach((off) => off());
}
