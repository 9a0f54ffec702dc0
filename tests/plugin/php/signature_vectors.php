<?php
/*
 * The PHP half of the shared signature vectors (tests/crm_notice_signature_vectors.json; the
 * Python half is tests/plugin/test_notice_signature.py): SCRM_ChangeEvent::sign and the headers
 * a notice leaves with must give each vector's signature, and never its body-only one.
 *
 * usage: php signature_vectors.php <package dir> <vectors file>
 * prints {"results": [{"name", "signature", "header_signature", "header_timestamp", "ok"}],
 *         "problems": [...], "log": [...]}; exits 1 when a vector fails.
 */

require __DIR__ . '/stubs.php';

$package = $argv[1];
$vectors = json_decode(file_get_contents($argv[2]), true);
chdir($package);
require_once 'modules/SCRM_SocialInteractions/lib/SCRM_ChangeEvent.php';

$results = array();
$failed = false;
foreach ($vectors['vectors'] as $vector) {
    $body = base64_decode($vector['body_b64'], true);
    $signature = SCRM_ChangeEvent::sign($body, $vector['secret'], $vector['timestamp']);
    $sent = array();
    foreach (SCRM_ChangeEvent::headers($body, $vector['secret'], 'notice-1', $vector['timestamp']) as $line) {
        list($name, $value) = explode(': ', $line, 2);
        $sent[strtolower($name)] = $value;
    }
    $ok = $signature === $vector['signature']
        && $signature !== $vector['body_only_signature']
        && $sent['x-socialcrm-signature'] === $vector['signature']
        && $sent['x-socialcrm-timestamp'] === (string) $vector['timestamp'];
    $failed = $failed || !$ok;
    $results[] = array(
        'name' => $vector['name'],
        'signature' => $signature,
        'header_signature' => $sent['x-socialcrm-signature'],
        'header_timestamp' => $sent['x-socialcrm-timestamp'],
        'ok' => $ok,
    );
}
scrm_test_output(array('results' => $results));
exit($failed ? 1 : 0);
