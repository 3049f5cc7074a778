"""Watching feeds: the watcher loop and its Redis round trips, the mention engine as watchers hold
it (workers, the engine pool, the frozen heap), seen sets, stories, alerts, timelines and the
reports that an alert was about someone else."""
