<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

$module_name = 'SCRM_SocialInteractions';
$viewdefs[$module_name]['EditView'] = array(
    'templateMeta' => array(
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
            array(array('name' => 'body', 'displayParams' => array('rows' => 6, 'cols' => 80))),
            // Edited as plain text: SuiteCRM's URL edit template pre-fills an empty field with
            // "http://" (shown as a link and saved); detail and list views still show links.
            array(array('name' => 'permalink', 'type' => 'varchar'), 'language'),
            array('sentiment_label', 'sentiment_score'),
            array('external_id', 'parent_external_id'),
        ),
        'LBL_SCRM_PANEL_AUTHOR' => array(
            array('author_name', 'author_handle'),
            array(array('name' => 'author_profile_url', 'type' => 'varchar'), 'profile_name'),
        ),
        'LBL_SCRM_PANEL_HANDLING' => array(
            array('assigned_user_name', 'sla_due_at'),
            array('first_response_at', 'policy_verdict'),
        ),
        'LBL_SCRM_PANEL_LINKS' => array(
            array('contact_name', 'lead_name'),
            array('account_name', 'case_name'),
        ),
    ),
);
