<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialInteractions';
$viewdefs[$module_name]['DetailView'] = array(
    'templateMeta' => array(
        // No DUPLICATE: a copy would repeat the network and network ID of a record the
        // SocialCRM service already keeps, and it would treat the copy as the same item.
        'form' => array('buttons' => array('EDIT', 'DELETE')),
        'maxColumns' => '2',
        'widths' => array(
            array('label' => '10', 'field' => '30'),
            array('label' => '10', 'field' => '30'),
        ),
        'useTabs' => false,
    ),
    'panels' => array(
        'LBL_SCRM_PANEL_OVERVIEW' => array(
            array('name', 'status'),
            array('network', 'kind'),
            array('direction', 'occurred_at'),
            array(array('name' => 'body', 'displayParams' => array('rows' => 8))),
            array('permalink', 'language'),
            array('sentiment_label', 'sentiment_score'),
        ),
        'LBL_SCRM_PANEL_AUTHOR' => array(
            array('author_name', 'author_handle'),
            array('author_profile_url', 'profile_name'),
        ),
        'LBL_SCRM_PANEL_HANDLING' => array(
            array('assigned_user_name', 'sla_due_at'),
            array('first_response_at', 'policy_verdict'),
            array('policy_approver_name', 'policy_note'),
            array('policy_reasons'),
        ),
        'LBL_SCRM_PANEL_LINKS' => array(
            array('contact_name', 'lead_name'),
            array('account_name', 'case_name'),
            array('external_id', 'parent_external_id'),
        ),
    ),
);
