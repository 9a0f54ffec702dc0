<?php
/*
 * Runs SCRM_RecordRules and SCRM_TextGuard, the package's value rules, on plain beans.
 *
 * stdin: {"package": dir, "steps": [{"op": "rules", "values": {...}, "fetched": {...}|null,
 *          "new_with_id": bool} | {"op": "text", "texts": [...]}]}
 * "rules" applies what SCRM_SocialInteraction does before SuiteCRM stores a record and prints
 * the values, or the error; "text" prints each text encoded, as displayed and decoded.
 */

require __DIR__ . '/stubs.php';

$scenario = scrm_test_input();
chdir($scenario['package']);
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_RecordRules.php';
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_TextGuard.php';

$results = array();
foreach ($scenario['steps'] as $step) {
    if ($step['op'] === 'rules') {
        $bean = new SugarBean();
        $bean->module_dir = 'SCRM_SocialInteractions';
        $bean->fetched_row = isset($step['fetched']) ? $step['fetched'] : false;
        $bean->new_with_id = !empty($step['new_with_id']);
        foreach ($step['values'] as $name => $value) {
            $bean->$name = $value;
        }
        try {
            SCRM_RecordRules::clearPlaceholderUrls($bean, array('permalink', 'author_profile_url'));
            SCRM_RecordRules::normaliseIsoDatetimes($bean, array('occurred_at', 'sla_due_at'));
            SCRM_RecordRules::requireDatetimes($bean, array('occurred_at'));
            $out = array();
            foreach (array_keys($step['values']) as $name) {
                $out[$name] = $bean->$name;
            }
            $results[] = array('values' => $out);
        } catch (SCRM_RecordRuleError $error) {
            $results[] = array('error' => $error->getMessage());
        }
    } elseif ($step['op'] === 'text') {
        $texts = array();
        foreach ($step['texts'] as $text) {
            $stored = SCRM_TextGuard::encode($text);
            $texts[] = array('stored' => $stored, 'again' => SCRM_TextGuard::encode($stored),
                'html' => SCRM_TextGuard::toHtml($stored), 'decoded' => SCRM_TextGuard::decode($stored),
                'summary' => SCRM_TextGuard::forSummary(SCRM_TextGuard::toHtml($stored)),
                'tracked' => html_entity_decode(SCRM_TextGuard::forSummary(SCRM_TextGuard::toHtml($stored)),
                    ENT_HTML401 | ENT_QUOTES, 'UTF-8'));
        }
        $results[] = $texts;
    } else {
        fwrite(STDERR, "unknown step {$step['op']}\n");
        exit(2);
    }
}
scrm_test_output(array('results' => $results));
