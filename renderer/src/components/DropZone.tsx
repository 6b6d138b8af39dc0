import { useRef, useState, type ReactNode } from 'react';

/**
 * Files dragged in from the file manager, or picked with the button (same path either way).
 */
export function DropZone({
  onFiles,
  accept,
  multiple = true,
  disabled,
  children,
  buttonLabel = 'Choose files…',
  testId = 'dropzone',
}: {
  onFiles: (files: File[]) => void;
  accept?: string;
  multiple?: boolean;
  disabled?: boolean;
  children?: ReactNode;
  buttonLabel?: string;
  testId?: string;
}) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div
      className={`dropzone${over ? ' over' : ''}${disabled ? ' disabled' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        if (disabled) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (disabled) return;
        const files = [...e.dataTransfer.files];
        if (files.length > 0) onFiles(files);
      }}
    >
      {children}
      <input
        ref={input}
        type="file"
        hidden
        multiple={multiple}
        accept={accept}
        data-testid={`${testId}-input`}
        aria-label={buttonLabel}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
      <button
        type="button"
        className="btn"
        disabled={disabled}
        data-testid={`${testId}-pick`}
        onClick={() => input.current?.click()}
      >
        {buttonLabel}
      </button>
    </div>
  );
}
