<?php
/*
 * Stand-in for SuiteCRM's include/MVC/View/SugarView.php, found through the include path by
 * the harness: the settings view only inherits from it.
 */
class SugarView
{
}
