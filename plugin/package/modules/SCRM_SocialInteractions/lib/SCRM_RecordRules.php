<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * What the two SocialCRM beans check and normalise before SuiteCRM stores them, whoever wrote
 * the values (the REST API, an edit form, inline editing, an import):
 *
 * - A URL field left at SuiteCRM's edit-form placeholder ("http://" or "https://") is empty:
 *   SuiteCRM's URL edit template pre-fills it, and storing it would show a dead link and report
 *   the field as changed on every later save.
 * - A date and time in ISO 8601 with a zone ("2026-12-06T09:00:00+00:00", "...Z") is stored as
 *   that instant in UTC. SuiteCRM itself only reads its database format (Y-m-d H:i:s, UTC) and
 *   the user's display format, and stores anything else as NULL without a word.
 * - A required date and time that is still empty refuses the save (SCRM_RecordRuleError), so a
 *   record is never stored without it; the V8 API answers that with an error.
 * - A link to a record that is being deleted is cleared without SuiteCRM's relationship
 *   "remove" (see goneLinks): deleting a Contact, Lead, Account or Case that social records
 *   point to must succeed.
 */
class SCRM_RecordRules
{
    const ISO_DATETIME = '/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/';

    /** @param string[] $fields the bean's URL fields */
    public static function clearPlaceholderUrls($bean, array $fields)
    {
        foreach ($fields as $name) {
            $value = isset($bean->$name) ? trim((string) $bean->$name) : '';
            if ($value === 'http://' || $value === 'https://') {
                $bean->$name = '';
            }
        }
    }

    /** @param string[] $fields the bean's date and time fields */
    public static function normaliseIsoDatetimes($bean, array $fields)
    {
        foreach ($fields as $name) {
            $value = isset($bean->$name) ? trim((string) $bean->$name) : '';
            if ($value === '' || !preg_match(self::ISO_DATETIME, $value)) {
                continue;
            }
            try {
                $instant = new DateTimeImmutable($value);
            } catch (\Exception $error) {
                continue; // not a real date: SuiteCRM's own rules apply
            }
            $bean->$name = $instant->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d H:i:s');
        }
    }

    /**
     * A record being created, or one whose stored value is being cleared, must have them; a
     * record stored without one before this rule existed can still be updated.
     *
     * @param string[] $fields required date and time fields
     * @throws SCRM_RecordRuleError when one of them is empty
     */
    public static function requireDatetimes($bean, array $fields)
    {
        $stored = isset($bean->fetched_row) && is_array($bean->fetched_row) ? $bean->fetched_row : null;
        foreach ($fields as $name) {
            $value = isset($bean->$name) ? trim((string) $bean->$name) : '';
            $wasSet = $stored !== null && isset($stored[$name]) && trim((string) $stored[$name]) !== '';
            if (($value === '' || $value === 'NULL') && ($stored === null || !empty($bean->new_with_id) || $wasSet)) {
                throw new SCRM_RecordRuleError(sprintf(
                    '%s: %s is required (a date and time, as Y-m-d H:i:s in UTC or ISO 8601 with a zone)',
                    $bean->module_dir,
                    $name
                ));
            }
        }
    }

    /**
     * The relate fields whose previous record no longer exists, added to $exclude.
     *
     * Deleting a Contact (Lead, Account, Case) makes SuiteCRM clear the foreign key on every
     * social record that points to it and save that record. The save then asks the link to
     * "remove" the old relationship, which loads the related record, now deleted, gets false
     * and calls a method on it: a fatal error, and the delete fails (HTTP 500 in V8, a blank
     * page in the UI). For a one-to-many link held in our own foreign key there is nothing
     * left to remove once the key is cleared, so such a link is simply skipped.
     *
     * @param string[] $exclude
     * @return string[]
     */
    public static function goneLinks($bean, array $exclude)
    {
        $before = isset($bean->rel_fields_before_value) && is_array($bean->rel_fields_before_value)
            ? $bean->rel_fields_before_value : array();
        foreach ((array) $bean->field_defs as $def) {
            if (!isset($def['type'], $def['id_name'], $def['module']) || $def['type'] !== 'relate') {
                continue;
            }
            $idName = $def['id_name'];
            $previous = isset($before[$idName]) ? (string) $before[$idName] : '';
            if ($previous === '' || !empty($bean->$idName) || in_array($idName, $exclude, true)) {
                continue;
            }
            $related = BeanFactory::getBean($def['module'], $previous);
            if (empty($related) || empty($related->id)) {
                $exclude[] = $idName;
            }
        }
        return $exclude;
    }
}

/** A SocialCRM record that may not be stored as it is; the message names the field. */
class SCRM_RecordRuleError extends \InvalidArgumentException
{
}
