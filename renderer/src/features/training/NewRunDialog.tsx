import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal frame for the New run form: over the charts instead of below them, closed with
 * Escape or a click beside it; the form scrolls inside while its buttons stay in view.
 */
export function NewRunDialog({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  const frame = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    frame.current?.querySelector<HTMLElement>('select, input, button')?.focus();
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div
      className="modal-backdrop"
      data-testid="new-run-dialog"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={frame}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="new-run-title"
      >
        {children}
      </div>
    </div>
  );
}
