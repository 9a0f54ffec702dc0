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
 * A social item (post, comment, reply, message, reaction summary, lead form) as a SuiteCRM record.
 *
 * Before SuiteCRM stores it, the class fills a readable name when the writer left it empty
 * (list views and subpanels stay useful for records created through the REST API) and applies
 * SCRM_RecordRules: placeholder URLs emptied, ISO 8601 dates read, occurred_at required.
 */
#[\AllowDynamicProperties]
class SCRM_SocialInteraction extends Basic
{
    public $new_schema = true;
    public $module_dir = 'SCRM_SocialInteractions';
    public $object_name = 'SCRM_SocialInteraction';
    public $table_name = 'scrm_socialinteractions';
    public $importable = true;
    public $disable_row_level_security = false;

    public $network;
    public $external_id;
    public $kind;
    public $direction;
    public $parent_external_id;
    public $thread_external_id;
    public $author_name;
    public $author_handle;
    public $author_profile_url;
    public $author_external_id;
    public $body;
    public $permalink;
    public $occurred_at;
    public $sentiment_score;
    public $sentiment_label;
    public $language;
    public $status;
    public $first_response_at;
    public $sla_due_at;
    public $policy_verdict;
    public $policy_reasons;
    public $policy_approver_id;
    public $policy_approver_name;
    public $policy_note;
    public $raw_payload;
    public $contact_id;
    public $contact_name;
    public $lead_id;
    public $lead_name;
    public $account_id;
    public $account_name;
    public $case_id;
    public $case_name;
    public $profile_id;
    public $profile_name;

    public function bean_implements($interface)
    {
        return $interface === 'ACL';
    }

    /** The name, with emoji as the tracker can keep them (SCRM_TextGuard::forSummary). */
    public function get_summary_text()
    {
        return SCRM_TextGuard::forSummary(parent::get_summary_text());
    }

    const URL_FIELDS = array('permalink', 'author_profile_url');
    const DATETIME_FIELDS = array('occurred_at', 'first_response_at', 'sla_due_at');
    const REQUIRED_DATETIME_FIELDS = array('occurred_at');

    public function save($check_notify = false)
    {
        if (trim((string) $this->name) === '') {
            $this->name = $this->defaultName();
        }
        return parent::save($check_notify);
    }

    /** Links to a record being deleted are cleared, not "removed" (SCRM_RecordRules::goneLinks). */
    public function save_relationship_changes($is_update, $exclude = array())
    {
        return parent::save_relationship_changes($is_update, SCRM_RecordRules::goneLinks($this, $exclude));
    }

    /**
     * SugarBean::save and saveFields call this to bring values into database format: the
     * package's rules go around SuiteCRM's own conversion, so they hold for every save path.
     */
    public function fixUpFormatting()
    {
        SCRM_RecordRules::clearPlaceholderUrls($this, self::URL_FIELDS);
        SCRM_RecordRules::normaliseIsoDatetimes($this, self::DATETIME_FIELDS);
        parent::fixUpFormatting();
        SCRM_RecordRules::requireDatetimes($this, self::REQUIRED_DATETIME_FIELDS);
    }

    /**
     * "Facebook comment by Jane Doe": network and kind labels plus the author, cut to the column size.
     */
    public function defaultName()
    {
        $lists = isset($GLOBALS['app_list_strings']) ? $GLOBALS['app_list_strings'] : array();
        $network = isset($lists['scrm_network_list'][$this->network])
            ? $lists['scrm_network_list'][$this->network] : (string) $this->network;
        $kind = isset($lists['scrm_interaction_kind_list'][$this->kind])
            ? $lists['scrm_interaction_kind_list'][$this->kind] : (string) $this->kind;
        $author = trim((string) ($this->author_name ?: $this->author_handle));
        $name = trim($network . ' ' . strtolower($kind));
        if ($author !== '') {
            $name .= ' by ' . $author;
        }
        $name = $name !== '' ? $name : (string) $this->external_id;
        return function_exists('mb_substr') ? mb_substr($name, 0, 255, 'UTF-8') : substr($name, 0, 255);
    }
}
