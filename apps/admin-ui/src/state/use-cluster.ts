import { useEffect, useReducer, useState } from 'react';
import type { AdminApi } from '../api/admin-api';
import { followAdminStream, StreamStatus } from '../api/admin-stream';
import { clusterReducer, ClusterAction, ClusterState, EMPTY_CLUSTER } from './cluster-state';

const SAMPLE_EVERY_MS = 2000;
/** Node heartbeats are not streamed (they change at every beat): read them at this pace. */
const NODES_EVERY_MS = 2000;

export interface ClusterFeed {
  readonly state: ClusterState;
  readonly status: StreamStatus;
  readonly statusDetail: string | undefined;
  readonly dispatch: (action: ClusterAction) => void;
}

/** The live cluster state for the screens: the admin stream, chart samples and node heartbeats. */
export function useCluster(api: AdminApi, onUnauthorized: () => void): ClusterFeed {
  const [state, dispatch] = useReducer(clusterReducer, EMPTY_CLUSTER);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [statusDetail, setStatusDetail] = useState<string | undefined>();

  useEffect(() => {
    const close = followAdminStream(api, {
      onMessages: (messages) => dispatch({ type: 'messages', messages }),
      onStatus: (next, detail) => {
        setStatus(next);
        setStatusDetail(detail);
        if (next === 'unauthorized') onUnauthorized();
      },
    });
    const sampler = setInterval(() => dispatch({ type: 'sample', at: Date.now() }), SAMPLE_EVERY_MS);
    const readNodes = () => api.nodes().then((nodes) => dispatch({ type: 'nodes', nodes }), () => undefined);
    readNodes();
    const nodes = setInterval(readNodes, NODES_EVERY_MS);
    return () => {
      close();
      clearInterval(sampler);
      clearInterval(nodes);
    };
  }, [api, onUnauthorized]);

  return { state, status, statusDetail, dispatch };
}

/** The current time, refreshed every `everyMs`: for ages and running durations. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
