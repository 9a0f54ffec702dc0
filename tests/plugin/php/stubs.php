<?php
/*
 * Plain stand-ins for the SuiteCRM pieces the SocialCRM PHP code touches: the logger in
 * $GLOBALS['log'], SugarBean (only the properties the hooks read) and Administration
 * (the settings store, which HTML-encodes what it reads back, as SuiteCRM's does).
 * Every PHP notice, warning or deprecation is recorded so the tests can demand none.
 */

define('sugarEntry', true);
error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

$GLOBALS['scrm_test_problems'] = array();
set_error_handler(function ($number, $message, $file, $line) {
    if (!(error_reporting() & $number)) {
        return false; // silenced with @: let PHP record it for error_get_last()
    }
    $GLOBALS['scrm_test_problems'][] = sprintf('%d: %s at %s:%d', $number, $message, basename($file), $line);
    return true;
});

final class StubLogger
{
    public $lines = array();

    public function __call($level, $arguments)
    {
        $this->lines[] = array($level, isset($arguments[0]) ? (string) $arguments[0] : '');
    }
}
$GLOBALS['log'] = new StubLogger();

#[\AllowDynamicProperties]
class SugarBean
{
    public $id;
    public $module_dir = '';
    public $module_name = '';
    public $object_name = '';
    public $field_defs = array();
    public $fetched_row = false;
    public $new_with_id = false;
    public $deleted = 0;
}

#[\AllowDynamicProperties]
class Administration
{
    /** @var array<string,string> the config table: "category_name" => stored value */
    public static $table = array();
    /** @var array[] every saveSetting() call: [category_name, value] */
    public static $writes = array();
    /** @var string|null when set, every access throws (database down) */
    public static $failure = null;
    public $settings = array();

    public function retrieveSettings($category = false, $clean = false)
    {
        if (self::$failure !== null) {
            throw new RuntimeException(self::$failure);
        }
        foreach (self::$table as $key => $value) {
            if ($category === false || strpos($key, $category . '_') === 0) {
                $this->settings[$key] = htmlspecialchars($value, ENT_QUOTES, 'UTF-8');
            }
        }
        if ($category !== false) {
            $this->settings[$category] = true;
        }
        return $this;
    }

    public function saveSetting($category, $key, $value)
    {
        if (self::$failure !== null) {
            throw new RuntimeException(self::$failure);
        }
        self::$table[$category . '_' . $key] = (string) $value;
        self::$writes[] = array($category . '_' . $key, (string) $value);
        return 1;
    }
}

/*
 * include/utils/encryption_utils.php, as a stand-in: the same three functions and the same
 * contract (base64 text out, the plain text back trimmed, one key per type), but a SHA-256
 * keystream instead of Blowfish, so the tests need no SuiteCRM. The live suite proves the real
 * ones. Each key type asked for is recorded; $GLOBALS['scrm_test_blowfish_key'] plays the
 * contents of custom/blowfish/ (change it to play a SuiteCRM whose key was replaced).
 */
$GLOBALS['scrm_test_blowfish_key'] = 'stub-key';
$GLOBALS['scrm_test_blowfish_types'] = array();

function blowfishGetKey($type)
{
    $GLOBALS['scrm_test_blowfish_types'][] = $type;
    return $GLOBALS['scrm_test_blowfish_key'] . '/' . $type;
}

function scrm_test_keystream($key, $data)
{
    $stream = '';
    for ($block = 0; strlen($stream) < strlen($data); $block++) {
        $stream .= hash('sha256', $key . '#' . $block, true);
    }
    return $data ^ substr($stream, 0, strlen($data));
}

function blowfishEncode($key, $data)
{
    return base64_encode(scrm_test_keystream($key, (string) $data));
}

function blowfishDecode($key, $encoded)
{
    return trim(scrm_test_keystream($key, (string) base64_decode($encoded)));
}

function scrm_test_input()
{
    $raw = stream_get_contents(STDIN);
    $data = json_decode($raw, true);
    if (!is_array($data)) {
        fwrite(STDERR, "expected a JSON object on stdin\n");
        exit(2);
    }
    return $data;
}

function scrm_test_output(array $payload)
{
    $payload['log'] = $GLOBALS['log']->lines;
    $payload['problems'] = $GLOBALS['scrm_test_problems'];
    echo json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT), "\n";
}

function scrm_test_http(array $scenario)
{
    if (empty($scenario['http'])) {
        return null;
    }
    $http = $scenario['http'];
    return new SCRM_Http($http['connect'], $http['total'], isset($http['transport']) ? $http['transport'] : 'auto');
}
