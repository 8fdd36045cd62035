/**
 * One filter of a list page: a labelled select whose first choice is "any", with the current
 * filter selected. Its id is `f-<name>`, so the label and the keyboard reach it.
 */
export function FilterSelect(props: {
  name: string;
  label: string;
  anyLabel: string;
  options: Array<{ value: string; label: string }>;
  selected: string | undefined;
}) {
  const id = `f-${props.name}`;
  return (
    <div>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        <option value="">{props.anyLabel}</option>
        {props.options.map((option) => (
          <option value={option.value} selected={props.selected === option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
