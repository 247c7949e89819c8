import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * The vendor's answer form on an order: each line shows one delivery (quantity and date); "Add a delivery"
 * adds another empty one, up to the form's data-max-splits, named qty-<line>-<n> / date-<line>-<n> as the
 * server reads them. The server renders only the first delivery of each line (a lighter page).
 */
export class SupplierCommitForm extends Interaction {
    static selector = ".o_crm_supplier_commit_form";
    dynamicContent = {
        ".o_crm_add_split": { "t-on-click.prevent.withTarget": this.onAddSplit },
    };

    onAddSplit(ev, button) {
        const max = parseInt(this.el.dataset.maxSplits || "1");
        const splits = [...button.parentElement.querySelectorAll(".o_crm_split")];
        const used = new Set(splits.map((split) => split.dataset.split));
        let n = 0;
        while (used.has(String(n))) {
            n++;
        }
        if (!splits.length || n >= max) {
            return;
        }
        const split = splits[splits.length - 1].cloneNode(true);
        split.dataset.split = n;
        for (const input of split.querySelectorAll("input")) {
            input.name = input.name.replace(/-\d+$/, `-${n}`);
            input.dataset.split = n;
            input.value = "";
            input.classList.remove("is-invalid");
        }
        button.before(split);
        split.querySelector("input").focus();
        button.classList.toggle("d-none", used.size + 1 >= max);
    }
}

registry
    .category("public.interactions")
    .add("crm_partner_portal.supplier_commit_form", SupplierCommitForm);
