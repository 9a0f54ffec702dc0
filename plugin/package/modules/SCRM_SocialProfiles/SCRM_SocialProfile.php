<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

if (!class_exists('Basic')) {
    require_once 'include/SugarObjects/templates/basic/Basic.php';
}
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_RecordRules.php';
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_TextGuard.php';

/**
 * A social identity as a SuiteCRM record; fills a readable name when the writer left it empty
 * and empties a profile URL left at the edit form's "http://" placeholder (SCRM_RecordRules).
 */
#[\AllowDynamicProperties]
class SCRM_SocialProfile extends Basic
{
    public $new_schema = true;
    public $module_dir = 'SCRM_SocialProfiles';
    public $object_name = 'SCRM_SocialProfile';
    public $table_name = 'scrm_socialprofiles';
    public $importable = true;
    public $disable_row_level_security = false;

    public $network;
    public $external_id;
    public $handle;
    public $display_name;
    public $profile_url;
    public $followers;
    public $advocate_score;
    public $discount_seeker;
    public $match_confidence;
    public $match_evidence;
    public $contact_id;
    public $contact_name;
    public $lead_id;
    public $lead_name;
    public $account_id;
    public $account_name;

    public function bean_implements($interface)
    {
        return $interface === 'ACL';
    }

    /** The name, with emoji as the tracker can keep them (SCRM_TextGuard::forSummary). */
    public function get_summary_text()
    {
        return SCRM_TextGuard::forSummary(parent::get_summary_text());
    }

    public function save($check_notify = false)
    {
        if (trim((string) $this->name) === '') {
            $name = trim((string) ($this->display_name ?: $this->handle ?: $this->external_id));
            $this->name = function_exists('mb_substr') ? mb_substr($name, 0, 255, 'UTF-8') : substr($name, 0, 255);
        }
        return parent::save($check_notify);
    }

    /** Links to a record being deleted are cleared, not "removed" (SCRM_RecordRules::goneLinks). */
    public function save_relationship_changes($is_update, $exclude = array())
    {
        return parent::save_relationship_changes($is_update, SCRM_RecordRules::goneLinks($this, $exclude));
    }

    /** Called by every save path before values are stored (see SCRM_SocialInteraction). */
    public function fixUpFormatting()
    {
        SCRM_RecordRules::clearPlaceholderUrls($this, array('profile_url'));
        parent::fixUpFormatting();
    }
}
