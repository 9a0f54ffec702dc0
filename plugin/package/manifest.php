<?php
/**
 * SocialCRM for SuiteCRM: Module Loader manifest.
 *
 * Everything is installed as upgrade-safe fragments: the three SCRM_* modules are copied
 * to modules/, every other file lands in custom/Extension/... through the installer's
 * extension sections, and custom fields go through the installer's custom_fields step.
 * No SuiteCRM core file is written. The version below is filled in by the build script.
 */

$manifest = array(
    'key' => 'SCRM',
    'name' => 'SocialCRM',
    'description' => 'Social interactions and profiles, social fields on Contacts, Leads and Accounts, '
        . 'a change outbox and signed change events for the SocialCRM service, and its settings page.',
    'author' => 'SocialCRM',
    'version' => '@VERSION@',
    'published_date' => '2026-11-22',
    'type' => 'module',
    'is_uninstallable' => true,
    // Ask the admin on uninstall whether the SCRM tables and custom fields (with their data) go.
    'remove_tables' => 'prompt',
    'readme' => 'README.txt',
    'icon' => '',
    'acceptable_sugar_flavors' => array('CE'),
    // Both lists are checked. The Module Loader's PackageManager::validate_manifest checks
    // every list that is present: this one against $sugar_version (6.5.25 on every SuiteCRM 7
    // and in SuiteCRM 8's legacy core), the SuiteCRM list below against $suitecrm_version.
    // (The Upgrade Wizard's validate_manifest checks the SuiteCRM list, and this one only when
    // the SuiteCRM list is missing.) A version is installable only when both lists admit it.
    'acceptable_sugar_versions' => array(
        'exact_matches' => array('6.5.25'),
        'regex_matches' => array('^6\.5\.2[5-9]$'),
    ),
    // SuiteCRM 7.14 and 7.15, and SuiteCRM 8 (whose legacy core reports 8.x here). No
    // 'exact_matches' key: a present but empty exact list makes any validator that skips the
    // regular expressions refuse every version, while a missing one leaves the regexes to decide.
    'acceptable_suitecrm_versions' => array(
        'regex_matches' => array('^7\.1[45]\.[0-9]+$', '^8\.[0-9]+\.[0-9]+$'),
    ),
);

$installdefs = array(
    'id' => 'SCRM',
    'beans' => array(
        array(
            'module' => 'SCRM_SocialInteractions',
            'class' => 'SCRM_SocialInteraction',
            'path' => 'modules/SCRM_SocialInteractions/SCRM_SocialInteraction.php',
            'tab' => true,
        ),
        array(
            'module' => 'SCRM_SocialProfiles',
            'class' => 'SCRM_SocialProfile',
            'path' => 'modules/SCRM_SocialProfiles/SCRM_SocialProfile.php',
            'tab' => true,
        ),
        // The change outbox: read and pruned by the SocialCRM service through the REST API,
        // no screens, no tab (listed in $modInvisList), no role actions.
        array(
            'module' => 'SCRM_ChangeOutbox',
            'class' => 'SCRM_OutboxChange',
            'path' => 'modules/SCRM_ChangeOutbox/SCRM_OutboxChange.php',
            'tab' => false,
        ),
    ),
    'copy' => array(
        array(
            'from' => '<basepath>/modules/SCRM_SocialInteractions',
            'to' => 'modules/SCRM_SocialInteractions',
        ),
        array(
            'from' => '<basepath>/modules/SCRM_SocialProfiles',
            'to' => 'modules/SCRM_SocialProfiles',
        ),
        array(
            'from' => '<basepath>/modules/SCRM_ChangeOutbox',
            'to' => 'modules/SCRM_ChangeOutbox',
        ),
    ),
    'language' => array(
        array(
            'from' => '<basepath>/extensions/language/application.en_us.php',
            'to_module' => 'application',
            'language' => 'en_us',
        ),
        array(
            'from' => '<basepath>/extensions/language/contacts.en_us.php',
            'to_module' => 'Contacts',
            'language' => 'en_us',
        ),
        array(
            'from' => '<basepath>/extensions/language/leads.en_us.php',
            'to_module' => 'Leads',
            'language' => 'en_us',
        ),
        array(
            'from' => '<basepath>/extensions/language/accounts.en_us.php',
            'to_module' => 'Accounts',
            'language' => 'en_us',
        ),
        array(
            'from' => '<basepath>/extensions/language/cases.en_us.php',
            'to_module' => 'Cases',
            'language' => 'en_us',
        ),
        array(
            'from' => '<basepath>/extensions/language/administration.en_us.php',
            'to_module' => 'Administration',
            'language' => 'en_us',
        ),
    ),
    'vardefs' => array(
        array(
            'from' => '<basepath>/extensions/vardefs/scrm_contacts_links.php',
            'to_module' => 'Contacts',
        ),
        array(
            'from' => '<basepath>/extensions/vardefs/scrm_leads_links.php',
            'to_module' => 'Leads',
        ),
        array(
            'from' => '<basepath>/extensions/vardefs/scrm_accounts_links.php',
            'to_module' => 'Accounts',
        ),
        array(
            'from' => '<basepath>/extensions/vardefs/scrm_cases_links.php',
            'to_module' => 'Cases',
        ),
    ),
    'layoutdefs' => array(
        array(
            'from' => '<basepath>/extensions/layoutdefs/scrm_contacts_subpanels.php',
            'to_module' => 'Contacts',
        ),
        array(
            'from' => '<basepath>/extensions/layoutdefs/scrm_leads_subpanels.php',
            'to_module' => 'Leads',
        ),
        array(
            'from' => '<basepath>/extensions/layoutdefs/scrm_accounts_subpanels.php',
            'to_module' => 'Accounts',
        ),
        array(
            'from' => '<basepath>/extensions/layoutdefs/scrm_cases_subpanels.php',
            'to_module' => 'Cases',
        ),
    ),
    // The installer's extension section for LogicHooks fragments is 'hookdefs'
    // (ModuleInstall/extensions.php); the older 'logic_hooks' key edits
    // custom/modules/<M>/logic_hooks.php in place and is not used here. Three fragments:
    // change notices on the modules the service follows, the text guard (4-byte
    // characters on 3-byte tables) on every module the service writes text to, and the
    // icons' stylesheet on every page (an application hook).
    'hookdefs' => array(
        array('from' => '<basepath>/extensions/logichooks/scrm_icons.php', 'to_module' => 'application'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Calls'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Meetings'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Tasks'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Notes'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Cases'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Opportunities'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Contacts'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'Leads'),
        array('from' => '<basepath>/extensions/logichooks/scrm_change_events.php', 'to_module' => 'SCRM_SocialInteractions'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'SCRM_SocialInteractions'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'SCRM_SocialProfiles'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Calls'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Meetings'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Tasks'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Notes'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Cases'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Opportunities'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Contacts'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Leads'),
        array('from' => '<basepath>/extensions/logichooks/scrm_text_guard.php', 'to_module' => 'Accounts'),
    ),
    'administration' => array(
        array('from' => '<basepath>/extensions/administration/scrm_admin_panel.php'),
    ),
    'module_name_map' => array(
        array(
            'from' => '<basepath>/extensions/modulenamemap/scrm_module_names.php',
            'to_module' => 'application',
        ),
    ),
    // ModuleInstaller::install_custom_fields hands each entry to TemplateField::populateFromRow
    // and DynamicField::addFieldObject, which store them in fields_meta_data:
    // - 'require_option' becomes `required`, and any non-empty string (even 'optional') is
    //   true, so these optional fields say false;
    // - fields_meta_data has no precision column: a decimal keeps it in ext1, and the vardef
    //   is rebuilt with precision = ext1, or 8 when ext1 is empty. 'precision' sizes the
    //   column when it is created, 'ext1' keeps the vardef at the same DECIMAL(7,4);
    // - max_size is the column's digits and also the edit input's maxlength: 7 fits "-0.8123"
    //   (0.1.0 had 5, which cut what a user could type to "-0.81"; an upgrade widens the column).
    'custom_fields' => array(
        array(
            'name' => 'scrm_avg_sentiment_c', 'label' => 'LBL_SCRM_AVG_SENTIMENT', 'type' => 'decimal',
            'max_size' => 7, 'precision' => 4, 'ext1' => 4, 'module' => 'Contacts', 'require_option' => false,
            'default_value' => '', 'audited' => false, 'mass_update' => false, 'duplicate_merge' => false,
            'reportable' => true, 'importable' => 'true',
            'help' => 'Average sentiment (-1 to 1) of this person\'s social interactions, set by SocialCRM',
        ),
        array(
            'name' => 'scrm_advocate_score_c', 'label' => 'LBL_SCRM_ADVOCATE_SCORE', 'type' => 'int',
            'max_size' => 11, 'module' => 'Contacts', 'require_option' => false,
            'default_value' => '', 'audited' => false, 'mass_update' => false, 'duplicate_merge' => false,
            'reportable' => true, 'importable' => 'true',
            'help' => 'Advocate score (0 to 100) computed by SocialCRM',
        ),
        array(
            'name' => 'scrm_last_social_at_c', 'label' => 'LBL_SCRM_LAST_SOCIAL_AT', 'type' => 'datetimecombo',
            'module' => 'Contacts', 'require_option' => false, 'default_value' => '', 'audited' => false,
            'mass_update' => false, 'duplicate_merge' => false, 'reportable' => true, 'importable' => 'true',
            'help' => 'When this person last interacted on a social network',
        ),
        array(
            'name' => 'scrm_avg_sentiment_c', 'label' => 'LBL_SCRM_AVG_SENTIMENT', 'type' => 'decimal',
            'max_size' => 7, 'precision' => 4, 'ext1' => 4, 'module' => 'Leads', 'require_option' => false,
            'default_value' => '', 'audited' => false, 'mass_update' => false, 'duplicate_merge' => false,
            'reportable' => true, 'importable' => 'true',
            'help' => 'Average sentiment (-1 to 1) of this person\'s social interactions, set by SocialCRM',
        ),
        array(
            'name' => 'scrm_advocate_score_c', 'label' => 'LBL_SCRM_ADVOCATE_SCORE', 'type' => 'int',
            'max_size' => 11, 'module' => 'Leads', 'require_option' => false,
            'default_value' => '', 'audited' => false, 'mass_update' => false, 'duplicate_merge' => false,
            'reportable' => true, 'importable' => 'true',
            'help' => 'Advocate score (0 to 100) computed by SocialCRM',
        ),
        array(
            'name' => 'scrm_last_social_at_c', 'label' => 'LBL_SCRM_LAST_SOCIAL_AT', 'type' => 'datetimecombo',
            'module' => 'Leads', 'require_option' => false, 'default_value' => '', 'audited' => false,
            'mass_update' => false, 'duplicate_merge' => false, 'reportable' => true, 'importable' => 'true',
            'help' => 'When this person last interacted on a social network',
        ),
        array(
            'name' => 'scrm_avg_sentiment_c', 'label' => 'LBL_SCRM_AVG_SENTIMENT', 'type' => 'decimal',
            'max_size' => 7, 'precision' => 4, 'ext1' => 4, 'module' => 'Accounts', 'require_option' => false,
            'default_value' => '', 'audited' => false, 'mass_update' => false, 'duplicate_merge' => false,
            'reportable' => true, 'importable' => 'true',
            'help' => 'Average sentiment (-1 to 1) of the social interactions linked to this account',
        ),
        array(
            'name' => 'scrm_advocate_score_c', 'label' => 'LBL_SCRM_ADVOCATE_SCORE', 'type' => 'int',
            'max_size' => 11, 'module' => 'Accounts', 'require_option' => false,
            'default_value' => '', 'audited' => false, 'mass_update' => false, 'duplicate_merge' => false,
            'reportable' => true, 'importable' => 'true',
            'help' => 'Advocate score (0 to 100) computed by SocialCRM',
        ),
        array(
            'name' => 'scrm_last_social_at_c', 'label' => 'LBL_SCRM_LAST_SOCIAL_AT', 'type' => 'datetimecombo',
            'module' => 'Accounts', 'require_option' => false, 'default_value' => '', 'audited' => false,
            'mass_update' => false, 'duplicate_merge' => false, 'reportable' => true, 'importable' => 'true',
            'help' => 'When someone at this account last interacted on a social network',
        ),
    ),
    // Runs on every install, before the package's files are copied: removes an earlier
    // release's files, which the installer would otherwise back up and restore on uninstall.
    'pre_execute' => array(
        '<basepath>/scripts/pre_execute.php',
    ),
    // Runs on every install, before the tables are created: role actions, tables kept from an
    // earlier release brought up to date, the Module Loader's record of it (see the script).
    'post_execute' => array(
        '<basepath>/scripts/post_execute.php',
    ),
    // Acts only when the admin chose to remove tables: the settings and the partial vardefs
    // SuiteCRM leaves behind for the custom fields go with the data.
    'post_uninstall' => array(
        '<basepath>/scripts/post_uninstall.php',
    ),
);
