import type { ReactNode } from 'react';

/** An error shown with its sentence. */
export function ErrorNote({ children, testId }: { children: ReactNode; testId?: string }) {
  if (children === undefined || children === null || children === '') return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {children}
    </p>
  );
}

/** An empty state that tells the person what to do next. */
export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="empty" data-testid={testId}>
      <p className="empty-title">{title}</p>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}
