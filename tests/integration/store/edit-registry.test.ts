import { afterAll, describe, expect, it } from 'vitest';
import { EditRegistry, type EditKind, type EditRecord } from '../../../src-main/edits';
import { shotEditKinds } from '../../../src-main/shots';
import { Project } from '../../../src-main/store';
import { tempDir } from '../../helpers/temp';

/**
 * Undo is a registry: a capability registers its edit kinds; the registry applies, journals, undoes and
 * redoes them over the project's own journal. A test capability with a 'setting' edit shows that a new
 * kind needs no change anywhere else.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface SettingEdit extends EditRecord {
  op: 'setting';
  key: string;
  value: string | null;
}
const settingKind: EditKind<SettingEdit> = {
  op: 'setting',
  apply(project, e) {
    if (e.value === null) project.db.prepare('DELETE FROM project_settings WHERE key = ?').run(e.key);
    else
      project.db
        .prepare('INSERT OR REPLACE INTO project_settings (key, value) VALUES (?, ?)')
        .run(e.key, e.value);
  },
};

describe('the edit registry', () => {
  it('applies, undoes and redoes a kind a capability registered, persistently', () => {
    const edits = new EditRegistry([...shotEditKinds]);
    edits.register(settingKind as EditKind);
    let project = Project.create(tmp.dir, 'Edits');
    const dir = project.dir;
    const value = () => project.setting('look');
    edits.commit<SettingEdit>(
      project,
      'Set look',
      { op: 'setting', key: 'look', value: 'warm' },
      { op: 'setting', key: 'look', value: null },
    );
    edits.commit<SettingEdit>(
      project,
      'Change look',
      { op: 'setting', key: 'look', value: 'cold' },
      { op: 'setting', key: 'look', value: 'warm' },
    );
    expect(value()).toBe('cold');
    expect(edits.state(project)).toEqual({
      canUndo: true,
      undoLabel: 'Change look',
      canRedo: false,
      redoLabel: null,
    });
    expect(edits.undo(project)).toBe(true);
    expect(value()).toBe('warm');
    // The journal lives in the project: a reopened project undoes and redoes the same edits.
    project.close();
    project = Project.open(dir);
    expect(edits.state(project).redoLabel).toBe('Change look');
    expect(edits.undo(project)).toBe(true);
    expect(value()).toBeUndefined();
    expect(edits.undo(project)).toBe(false);
    expect(edits.redo(project)).toBe(true);
    expect(edits.redo(project)).toBe(true);
    expect(value()).toBe('cold');
    expect(edits.redo(project)).toBe(false);
    project.close();
  });

  it('refuses two kinds of one name, and names a kind it does not know instead of guessing', () => {
    const edits = new EditRegistry([...shotEditKinds]);
    expect(() => edits.register(shotEditKinds[0]!)).toThrow(/Two edit kinds are named 'update'/);
    const project = Project.create(tmp.dir, 'Unknown kind');
    try {
      // An edit journalled by a capability this registry does not have (a newer Reshoot, say).
      const other = new EditRegistry([settingKind as EditKind]);
      other.commit<SettingEdit>(
        project,
        'Set',
        { op: 'setting', key: 'k', value: 'v' },
        { op: 'setting', key: 'k', value: null },
      );
      expect(() => edits.undo(project)).toThrow(
        /edit of kind 'setting' that this version of Reshoot does not know/,
      );
      expect(project.setting('k')).toBe('v');
      expect(() => edits.journal(project, 'x', { op: 'nope' }, { op: 'nope' })).toThrow(/not registered/);
    } finally {
      project.close();
    }
  });
});
