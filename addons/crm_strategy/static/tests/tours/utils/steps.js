/**
 * The steps the suite's backend tours keep repeating, named for what the user does, so that a tour reads as the
 * journey it checks. Import them with `import * as Step from "@crm_strategy/../tests/tours/utils/steps";`.
 */

/** Wait until `trigger` is on the screen; `content` says what the user sees there. */
export function see(trigger, content) {
    return content ? { trigger, content } : { trigger };
}

/** Click `trigger`. */
export function click(trigger, content) {
    return { ...see(trigger, content), run: "click" };
}

/** Type `value` into the input of the form field `name`. */
export function fill(name, value) {
    return { trigger: `.o_field_widget[name=${name}] input`, run: `edit ${value}` };
}

/** Choose `option` in the selection field `name`. */
export function choose(name, option) {
    return [
        click(`.o_field_widget[name=${name}] input`),
        click(`.o_select_menu_menu .o_select_menu_item:contains(${option})`),
    ];
}

/** Search the current view for `text`. */
export function search(text) {
    return [
        { trigger: ".o_searchview_input", run: `edit ${text}` },
        { trigger: ".o_searchview_input", run: "press Enter" },
    ];
}

/** Save the form and wait until it is saved. */
export function save() {
    return [click(".o_form_button_save"), see(".o_form_saved", "saved")];
}
