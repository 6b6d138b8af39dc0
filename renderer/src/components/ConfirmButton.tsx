import { useState, type ReactNode } from 'react';

/**
 * A destructive button that asks first, inline (no native dialog): the first click shows
 * "question [confirm] [Cancel]".
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  testId,
  disabled,
}: {
  label: ReactNode;
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  testId?: string;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="btn danger-outline small"
        data-testid={testId}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="btn danger small"
        data-testid={testId ? `${testId}-confirm` : undefined}
        autoFocus
        onClick={() => {
          setAsking(false);
          void onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="btn small"
        data-testid={testId ? `${testId}-cancel` : undefined}
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </span>
  );
}
