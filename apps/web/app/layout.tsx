// Owns the HTML shell every page shares: document metadata and the global stylesheet.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Weir',
  description: 'Weir runs DAGs of tasks on a schedule, Airflow-style, and shows every run and task instance.',
};

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
