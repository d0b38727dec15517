import { InputField, type Errors } from '../parts/form-parts';
import type { Model } from '../types';
import { ENDPOINT_TYPES, type ModelForm } from './model-form';

interface Props {
  form: ModelForm;
  base: Model | undefined;
  errors: Errors;
  set: (change: Partial<ModelForm>) => void;
}

/** The fields a custom model inherits from its base model when left empty: the base's value is shown. */
export function InheritedFields({ form, base, errors, set }: Props) {
  const inherited = (value: string | number | null | undefined) =>
    base ? `inherited from ${base.id}: ${value ?? 'none'}` : '';
  return (
    <>
      <fieldset>
        <legend>Endpoint types</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={form.endpoint_types === null}
            onChange={(e) =>
              set({
                endpoint_types: e.currentTarget.checked ? null : [...(base?.supported_endpoint_types ?? ['chat'])],
              })
            }
          />
          {base
            ? `inherit from ${base.id} (${base.supported_endpoint_types.join(', ')})`
            : 'inherit from the base model'}
        </label>
        {form.endpoint_types !== null
          ? ENDPOINT_TYPES.map((type) => (
              <label key={type} class="check">
                <input
                  type="checkbox"
                  checked={form.endpoint_types!.includes(type)}
                  onChange={(e) =>
                    set({
                      endpoint_types: e.currentTarget.checked
                        ? [...form.endpoint_types!, type]
                        : form.endpoint_types!.filter((t) => t !== type),
                    })
                  }
                />
                {type}
              </label>
            ))
          : null}
      </fieldset>
      <div class="row">
        <InputField
          id="model-context_length"
          label="Context length"
          error={errors.context_length}
          hint={form.context_length ? '' : inherited(base?.context_length)}
          inputMode="numeric"
          value={form.context_length}
          placeholder={base?.context_length ? String(base.context_length) : ''}
          onValue={(context_length) => set({ context_length })}
        />
        <InputField
          id="model-max_output_tokens"
          label="Max output tokens"
          error={errors.max_output_tokens}
          hint={form.max_output_tokens ? '' : inherited(base?.max_output_tokens)}
          inputMode="numeric"
          value={form.max_output_tokens}
          placeholder={base?.max_output_tokens ? String(base.max_output_tokens) : ''}
          onValue={(max_output_tokens) => set({ max_output_tokens })}
        />
      </div>
      <div class="row">
        <InputField
          id="model-input_per_million"
          label="Input price per million tokens"
          error={errors.input_per_million}
          hint={
            form.input_price || form.output_price
              ? ''
              : inherited(
                  base?.pricing
                    ? `${base.pricing.input_per_million ?? '–'} / ${base.pricing.output_per_million ?? '–'} ${base.pricing.currency ?? 'USD'}`
                    : null,
                )
          }
          inputMode="decimal"
          value={form.input_price}
          onValue={(input_price) => set({ input_price })}
        />
        <InputField
          id="model-output_per_million"
          label="Output price per million tokens"
          error={errors.output_per_million}
          inputMode="decimal"
          value={form.output_price}
          onValue={(output_price) => set({ output_price })}
        />
        <InputField
          id="model-currency"
          label="Currency"
          placeholder="USD"
          maxLength={8}
          value={form.currency}
          onValue={(currency) => set({ currency })}
        />
      </div>
    </>
  );
}
