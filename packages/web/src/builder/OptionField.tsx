/**
 * One option of the builder form, drawn from its registry row: a checkbox for booleans, a select
 * for closed sets, otherwise a text input with the registry's examples as suggestions. The
 * registry default is always shown, and so is a note when the chosen template ignores the option.
 */
import { fieldKind, type CgiOption, type Support } from '../registry.ts';
import { DrmField } from './DrmField.tsx';

export interface OptionFieldProps {
  option: CgiOption;
  value: string;
  /** What the server would use without this option in the URL. */
  baseline: string;
  support: Support;
  error?: string;
  onChange: (param: string, value: string) => void;
}

const shown = (v: string): string => (v === '' ? '(not set)' : v);

export function OptionField({ option, value, baseline, support, error, onChange }: OptionFieldProps) {
  const id = `opt-${option.param}`;
  const helpId = `${id}-help`;
  const disabled = !support.ok;
  const changed = value !== baseline;
  const set = (v: string) => onChange(option.param, v);
  const kind = fieldKind(option);
  const invalid = error ? true : undefined;
  const described = { 'aria-describedby': helpId, 'aria-invalid': invalid };

  let input;
  if (option.param === 'drm') {
    input = <DrmField option={option} value={value} disabled={disabled} onChange={set} />;
  } else if (kind.kind === 'bool') {
    input = (
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={value === '1'}
        disabled={disabled}
        onChange={(e) => set(e.currentTarget.checked ? '1' : '0')}
        {...described}
      />
    );
  } else if (kind.kind === 'select') {
    const allowed = 'only' in support ? support.only : null;
    input = (
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => set(e.currentTarget.value)}
        {...described}
      >
        {kind.values.map((v) => (
          <option key={v} value={v} disabled={allowed !== null && !allowed.includes(v)}>
            {v === option.default ? `${v} (default)` : v}
          </option>
        ))}
      </select>
    );
  } else {
    const listId = kind.suggestions.length ? `${id}-list` : undefined;
    input = (
      <>
        <input
          id={id}
          type="text"
          value={value}
          placeholder={option.default === 'none' || option.default === '' ? option.syntax : option.default}
          disabled={disabled}
          list={listId}
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => set(e.currentTarget.value.trim() === '' ? baseline : e.currentTarget.value)}
          {...described}
        />
        {listId && (
          <datalist id={listId}>
            {kind.suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        )}
      </>
    );
  }

  return (
    <div class={`option-field${changed ? ' changed' : ''}${disabled ? ' unsupported' : ''}`}>
      <label for={option.param === 'drm' ? undefined : id}>
        {kind.kind === 'bool' && option.param !== 'drm' ? (
          <>
            {input} {option.title}
          </>
        ) : (
          option.title
        )}{' '}
        <code class="param">{option.param}</code>{' '}
        <a
          href={`/options#${option.param}`}
          class="help-link"
          title={`About ${option.param}`}
          target="_blank"
        >
          ?
        </a>
      </label>
      {(kind.kind !== 'bool' || option.param === 'drm') && input}
      <small id={helpId}>
        {error && <span class="field-error">{error} </span>}
        {!support.ok && <span class="note">{support.note}. </span>}
        {option.description} <span class="default">Default: {shown(option.default)}</span>
        {baseline !== option.default && <span class="default"> (this stream: {shown(baseline)})</span>}
      </small>
    </div>
  );
}
