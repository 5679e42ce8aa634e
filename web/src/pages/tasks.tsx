// My tasks (/tasks): the signed-in person's tasks (GET /tasks?assignee=me), open ones by default,
// soonest due first, each linking to its client card; ticking one marks it done (and unticking
// reopens it). "Show done" lists the finished ones instead.
import { useState } from 'preact/hooks';
import { listMyTasks, updateTask, type Task } from '../api/contacts';
import { formatDay } from '../components/contact_bits';
import { ProblemAlert } from '../components/problem_alert';
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { Link } from '../router';
import { useSession } from '../session';
import { useResource } from '../use_resource';

export function MyTasksPage() {
  const [open, setOpen] = useState(true);
  return <TaskList key={open ? 'open' : 'done'} open={open} onShowDone={(done) => setOpen(!done)} />;
}

function TaskList(props: { open: boolean; onShowDone: (done: boolean) => void }) {
  const { t, format } = useI18n();
  const { can } = useSession();
  const { open } = props;
  const [tasks, reload] = useResource((signal) => listMyTasks(open, signal));
  const [error, setError] = useState<unknown>(null);
  const [changed, setChanged] = useState<Record<number, boolean>>({});

  const toggle = async (task: Task, done: boolean) => {
    setError(null);
    setChanged({ ...changed, [task.id]: done });
    try {
      await updateTask(task.id, { done });
    } catch (caught) {
      setError(caught);
      reload();
    }
  };

  return (
    <>
      <PageHeading>{t('tasks.title')}</PageHeading>
      <section class="card" aria-labelledby="my-tasks-heading">
        <div class="card__header">
          <h2 id="my-tasks-heading">{t(open ? 'tasks.open_heading' : 'tasks.done_heading')}</h2>
          <span class="inline-form">
            <label class="choice__option">
              <input
                type="checkbox"
                checked={!open}
                onChange={(event) => props.onShowDone((event.currentTarget as HTMLInputElement).checked)}
              />{' '}
              {t('tasks.show_done')}
            </label>
            <button type="button" class="button button--quiet" onClick={() => { setChanged({}); reload(); }}>
              {t('app.refresh')}
            </button>
          </span>
        </div>
        {error !== null && <ProblemAlert error={error} />}
        {tasks.kind === 'loading' && <p class="muted">{t('app.loading')}</p>}
        {tasks.kind === 'failed' && <ProblemAlert error={tasks.error} onRetry={reload} />}
        {tasks.kind === 'ready' && tasks.value.length === 0 && <p class="muted">{t('tasks.none')}</p>}
        {tasks.kind === 'ready' && tasks.value.length > 0 && (
          <ul class="plain-list" data-testid="my-tasks">
            {tasks.value.map((task) => {
              const done = changed[task.id] ?? task.done;
              return (
                <li key={task.id} class="plain-list__item" data-testid="my-task" data-done={done ? 'true' : 'false'}>
                  <label class="choice__option">
                    <input type="checkbox" checked={done} disabled={!can('relationships', 'write')} onChange={(event) => void toggle(task, (event.currentTarget as HTMLInputElement).checked)} />{' '}
                    <span class={done ? 'task__title task__title--done' : 'task__title'}>{task.title}</span>
                  </label>
                  <Link href={`/contacts/${task.contact_id}`}>{t('tasks.open_card', { id: task.contact_id })}</Link>
                  <span class="muted small">{task.due_at !== null ? t('task.due', { date: formatDay(format, task.due_at) }) : t('tasks.no_due')}</span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
