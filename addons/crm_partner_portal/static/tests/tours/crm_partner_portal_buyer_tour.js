import { registry } from "@web/core/registry";

// The buyer's journey: a demand forecast for a vendor, computed and published to the portal.
registry.category("web_tour.tours").add("crm_partner_portal_buyer_tour", {
    url: "/odoo/supplier-forecasts",
    steps: () => [
        { trigger: ".o_list_view", content: "The forecasts published to vendors" },
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name=partner_id] input", run: "edit Tour Buyer Vendor" },
        { trigger: ".o-autocomplete--dropdown-item a:contains(Tour Buyer Vendor)", run: "click" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { trigger: "button[name=action_publish]", content: "Compute and publish", run: "click" },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Published)",
            content: "Published: the vendor sees it on the portal",
        },
    ],
});
