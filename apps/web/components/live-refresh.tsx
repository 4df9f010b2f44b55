'use client';
// Owns keeping a page current: it listens to /api/v1/events and re-renders the page (its server
// components, with the URL's state) when something changed, at most once a second; a dot says
// whether the page is live.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

const MIN_GAP_MS = 1_000;

export function LiveRefresh() {
  const router = useRouter();
  const [live, setLive] = useState(false);
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const source = new EventSource('/api/v1/events');
    let first = true;
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.addEventListener('change', () => {
      // The first event only says where the stream starts.
      if (first) {
        first = false;
        return;
      }
      const wait = Math.max(0, last.current + MIN_GAP_MS - Date.now());
      clearTimeout(pending.current);
      pending.current = setTimeout(() => {
        last.current = Date.now();
        router.refresh();
      }, wait);
    });
    return () => {
      clearTimeout(pending.current);
      source.close();
    };
  }, [router]);
  return (
    <span
      className={`live ${live ? 'on' : 'off'}`}
      title={live ? 'live: updates as runs change' : 'not live: reload to update'}
    >
      {live ? 'live' : 'offline'}
    </span>
  );
}
